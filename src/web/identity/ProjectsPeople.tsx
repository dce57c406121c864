// Projects & people, for a superadmin: the server's projects (Projects.tsx) and people (People.tsx). Roles in a
// project are given on its Members page.
import { Typography } from 'antd';
import { People } from './People';
import { Projects } from './Projects';

export function ProjectsPeople() {
  return (
    <>
      <Typography.Title level={2}>Projects &amp; people</Typography.Title>
      <Typography.Paragraph type="secondary">
        Server-wide, for superadmins. A person's role in a project is given on that project's Members page (choose the
        project in the header).
      </Typography.Paragraph>
      <Projects />
      <People />
    </>
  );
}
